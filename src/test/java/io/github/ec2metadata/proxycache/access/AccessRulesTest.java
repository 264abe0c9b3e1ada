package io.github.ec2metadata.proxycache.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.TestConfig;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The access rules as the README's "Access rules" examples write them, from the environment. */
class AccessRulesTest {

    @Test
    void byDefaultEveryClientAndEveryPathIsServed() {
        AccessRules rules = new AccessRules(TestConfig.of(Map.of()));

        assertTrue(rules.allowsClient(peer("203.0.113.9")));
        assertTrue(rules.allowsClient(peer("::1")));
        assertFalse(rules.deniesPath("/latest/user-data"));
    }

    @ParameterizedTest
    @CsvSource({
        "/latest/user-data, true",
        "/latest/user-data/, true",
        "/latest/%75ser-data, true",
        "/latest/meta-data/iam/security-credentials/ci-builder-role, false",
        "/latest/meta-data/instance-id, false",
    })
    void readmeExampleKeepsUserDataFromClients(String target, boolean denied) {
        AccessRules rules = fromEnvironment("IMDS_PATHS_DENY", "user-data");

        assertEquals(denied, rules.deniesPath(target));
    }

    @ParameterizedTest
    @CsvSource({
        "/latest/meta-data/iam/security-credentials/, false",
        "/latest/meta-data/iam/security-credentials/ci-builder-role, false",
        "/latest/meta-data/iam/info, false",
        "/latest/meta-data/instance-id, true",
        "/latest/meta-data/placement/region, true",
        "/latest/user-data, true",
        "/latest/dynamic/instance-identity/document, true",
        "/, true",
    })
    void readmeExampleServesRoleCredentialsOnly(String target, boolean denied) {
        AccessRules rules = fromEnvironment("IMDS_PATHS_DENY", "**,!meta-data/iam/**");

        assertEquals(denied, rules.deniesPath(target));
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true",
        "172.17.0.5, true",
        "::ffff:172.17.0.5, true",
        "172.18.0.5, false",
        "10.0.0.1, false",
        "::1, false",
    })
    void readmeExampleServesTheHostAndTheDockerBridgeOnly(String client, boolean allowed) {
        AccessRules rules = fromEnvironment("IMDS_CLIENTS_ALLOW", "127.0.0.1/32,172.17.0.0/16");

        assertEquals(allowed, rules.allowsClient(peer(client)));
    }

    @Test
    void readmeExampleAllowsIpv6Ranges() {
        AccessRules rules = fromEnvironment("IMDS_CLIENTS_ALLOW", "::1/128,fd00::/8");

        assertTrue(rules.allowsClient(peer("0:0:0:0:0:0:0:1")));
        assertTrue(rules.allowsClient(peer("fd12:3456::7")));
        assertFalse(rules.allowsClient(peer("127.0.0.1")));
    }

    @Test
    void aClientWithoutAnIpAddressIsNotAllowedOnceRangesAreSet() {
        AccessRules rules = fromEnvironment("IMDS_CLIENTS_ALLOW", "127.0.0.1");

        assertFalse(rules.allowsClient(null));
        assertFalse(rules.allowsClient(SocketAddress.domainSocketAddress("/tmp/imds.sock")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "imds.clients.allow | 10.0.0.0/33 | imds.clients.allow: '10.0.0.0/33'",
        "imds.clients.allow | docker-host | imds.clients.allow: 'docker-host'",
        "imds.paths.deny | /latest/user-data | imds.paths.deny: path pattern '/latest/user-data'",
        "imds.paths.deny | '!user-data' | imds.paths.deny: only exceptions",
    })
    void aBadRuleStopsStartUpNamingTheProperty(String property, String value, String message) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AccessRules.validate(TestConfig.of(Map.of(property, value))));

        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }

    private static AccessRules fromEnvironment(String variable, String value) {
        return new AccessRules(TestConfig.of(Map.of(), Map.of(variable, value)));
    }

    private static SocketAddress peer(String address) {
        return SocketAddress.inetSocketAddress(40000, address);
    }
}
