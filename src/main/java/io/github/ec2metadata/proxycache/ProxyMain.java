package io.github.ec2metadata.proxycache;

import io.github.ec2metadata.proxycache.health.HealthcheckCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the process: runs the proxy, or, given the argument {@code healthcheck}, asks a
 * running proxy whether it is ready and exits, so container images need no curl.
 */
@QuarkusMain
public final class ProxyMain {

    public static void main(String... args) {
        if (args.length > 0 && HealthcheckCommand.ARGUMENT.equals(args[0])) {
            // Quarkus is not started: the check must stay small and quick beside the proxy it
            // probes, which may be using nearly all of the container's memory.
            System.exit(HealthcheckCommand.run(System.getenv(), System.getProperties(),
                    System.out));
        }
        Quarkus.run(args);
    }
}
