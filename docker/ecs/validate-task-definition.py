#!/usr/bin/python3
"""Checks the ECS task and service definitions beside this script against the ECS API model.

The model is the one shipped with Debian's awscli package (apt-get install awscli), so the
check needs no AWS account and no network: task-definition.json must be valid input for
RegisterTaskDefinition and service-definition.json for CreateService. Prints the report of
each and exits 1 if either has an error.

The interpreter is Debian's own, since the packaged botocore lives in its dist-packages.
"""

import json
import pathlib
import sys

try:
    # awscli 2 keeps its own copy of botocore inside its package.
    from awscli.botocore import session as botocore_session
    from awscli.botocore import validate as botocore_validate
except ImportError:
    from botocore import session as botocore_session
    from botocore import validate as botocore_validate

HERE = pathlib.Path(__file__).resolve().parent

DEFINITIONS = [
    ("task-definition.json", "RegisterTaskDefinition"),
    ("service-definition.json", "CreateService"),
]


def validate(model, file_name, operation_name):
    """Returns True when the file is valid input for the operation, printing the report."""
    params = json.loads((HERE / file_name).read_text())
    input_shape = model.operation_model(operation_name).input_shape
    report = botocore_validate.ParamValidator().validate(params, input_shape)
    if report.has_errors():
        print(f"{file_name}: not valid input for ECS {operation_name}:")
        print(report.generate_report())
        return False
    print(f"{file_name}: valid input for ECS {operation_name} "
          f"(model {model.api_version})")
    return True


def main():
    model = botocore_session.get_session().get_service_model("ecs")
    results = [validate(model, name, operation) for name, operation in DEFINITIONS]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
