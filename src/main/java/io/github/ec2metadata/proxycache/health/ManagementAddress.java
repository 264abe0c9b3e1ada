package io.github.ec2metadata.proxycache.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * Where the management interface (health, metrics) of a running proxy listens, worked out the
 * way Quarkus would from the same environment, without starting Quarkus.
 *
 * <p>Note: only the plain keys are read; a profile-specific value in application.properties
 * (such as {@code %prod.quarkus.management.port}) is not seen. Set
 * {@code QUARKUS_MANAGEMENT_PORT} for both the proxy and its health check instead.
 */
record ManagementAddress(String host, int port) {

    static final String PORT_ENV = "QUARKUS_MANAGEMENT_PORT";
    static final String HOST_ENV = "QUARKUS_MANAGEMENT_HOST";
    static final String PORT_PROPERTY = "quarkus.management.port";
    static final int DEFAULT_PORT = 9000;
    static final String LOOPBACK = "127.0.0.1";

    /**
     * The port from, in this order, the environment, a system property, application.properties
     * on the class path, else Quarkus's default; the host from the environment, else loopback.
     * A wildcard listening address is asked on loopback, where it also listens.
     */
    static ManagementAddress resolve(Map<String, String> environment,
            Properties systemProperties, Properties applicationProperties) {
        String port = firstPresent(environment.get(PORT_ENV),
                systemProperties.getProperty(PORT_PROPERTY),
                applicationProperties.getProperty(PORT_PROPERTY));
        String host = environment.get(HOST_ENV);
        return new ManagementAddress(askableHost(host),
                port == null ? DEFAULT_PORT : parsePort(port));
    }

    /** The application.properties that Quarkus would read from the class path; empty if none. */
    static Properties applicationProperties() {
        Properties properties = new Properties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream in = loader.getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties", e);
        }
        return properties;
    }

    private static String askableHost(String host) {
        if (host == null || host.isBlank() || host.equals("0.0.0.0")) {
            return LOOPBACK;
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "::1";
        }
        return host.trim();
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the value, like any other out-of-range port
        }
        throw new IllegalArgumentException(PORT_PROPERTY + ": must be a port from 1 to 65535,"
                + " was '" + value + "'");
    }

    private static String firstPresent(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
