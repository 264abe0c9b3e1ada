package io.github.ec2metadata.proxycache.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The health check finds the management port where Quarkus would take it from. */
class ManagementAddressTest {

    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    @Test
    void environmentWinsOverSystemPropertyAndApplicationProperties() {
        ManagementAddress address = ManagementAddress.resolve(
                Map.of("QUARKUS_MANAGEMENT_PORT", "9101"), port("9102"), port("9103"));

        assertEquals(9101, address.port());
    }

    @Test
    void systemPropertyWinsOverApplicationProperties() {
        ManagementAddress address = ManagementAddress.resolve(NO_ENVIRONMENT, port("9102"),
                port("9103"));

        assertEquals(9102, address.port());
    }

    @Test
    void applicationPropertiesGiveThePortWhenNothingElseDoes() {
        ManagementAddress address = ManagementAddress.resolve(NO_ENVIRONMENT, new Properties(),
                port("9103"));

        assertEquals(9103, address.port());
    }

    @Test
    void quarkusDefaultPortWhenNothingIsConfigured() {
        ManagementAddress address = ManagementAddress.resolve(NO_ENVIRONMENT, new Properties(),
                new Properties());

        assertEquals(9000, address.port());
        assertEquals("127.0.0.1", address.host());
    }

    @Test
    void packagedApplicationPropertiesAreFoundOnTheClassPath() {
        assertEquals("9000", ManagementAddress.applicationProperties()
                .getProperty("quarkus.management.port"));
    }

    @Test
    void wildcardHostIsAskedOnLoopback() {
        ManagementAddress address = ManagementAddress.resolve(
                Map.of("QUARKUS_MANAGEMENT_HOST", "0.0.0.0"), new Properties(), new Properties());

        assertEquals("127.0.0.1", address.host());
    }

    @Test
    void configuredHostIsAskedAsConfigured() {
        ManagementAddress address = ManagementAddress.resolve(
                Map.of("QUARKUS_MANAGEMENT_HOST", "127.0.0.2"), new Properties(),
                new Properties());

        assertEquals("127.0.0.2", address.host());
    }

    @Test
    void portOutOfRangeIsRefusedNamingTheValue() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ManagementAddress.resolve(Map.of("QUARKUS_MANAGEMENT_PORT", "70000"),
                        new Properties(), new Properties()));

        assertTrue(refused.getMessage().contains("70000"), refused.getMessage());
    }

    private static Properties port(String value) {
        Properties properties = new Properties();
        properties.setProperty("quarkus.management.port", value);
        return properties;
    }
}
