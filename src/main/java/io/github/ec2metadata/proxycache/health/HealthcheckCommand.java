package io.github.ec2metadata.proxycache.health;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code healthcheck} argument of the proxy's own binary: asks the running proxy on this
 * host whether it is ready and turns the answer into an exit code for Docker, ECS or podman.
 */
public final class HealthcheckCommand {

    public static final String ARGUMENT = "healthcheck";

    /**
     * How long the request may take in all. Kept under one second so that the check, with the
     * start of its own process, ends well inside the timeout of a container health check.
     */
    static final Duration BUDGET = Duration.ofMillis(800);

    static final int HEALTHY = 0;
    static final int UNHEALTHY = 1;

    private HealthcheckCommand() {
    }

    /** Resolves the management address, asks it, prints one line; returns the exit code. */
    public static int run(Map<String, String> environment, Properties systemProperties,
            PrintStream out) {
        ManagementAddress address;
        try {
            address = ManagementAddress.resolve(environment, systemProperties,
                    ManagementAddress.applicationProperties());
        } catch (RuntimeException e) {
            out.println("unhealthy: " + e.getMessage());
            return UNHEALTHY;
        }
        ReadinessProbe.Verdict verdict = ReadinessProbe.ask(address, BUDGET);
        out.println(verdict.reason());
        return verdict.ready() ? HEALTHY : UNHEALTHY;
    }
}
