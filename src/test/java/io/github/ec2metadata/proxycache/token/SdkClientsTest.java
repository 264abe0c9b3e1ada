package io.github.ec2metadata.proxycache.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.imds.Ec2MetadataClient;

/** The AWS SDK for Java v2, pointed at the proxy, gets what IMDS would have given it. */
@QuarkusTest
class SdkClientsTest extends ProxyTestBase {

    @ParameterizedTest(name = "IMDS requires tokens: {0}")
    @ValueSource(booleans = {false, true})
    void metadataClientReadsInstanceFactsThroughTheProxy(boolean tokensRequired) {
        emulator.requireTokens(tokensRequired);

        try (Ec2MetadataClient client = Ec2MetadataClient.builder()
                .endpoint(URI.create(endpoint())).build()) {
            assertEquals(emulator.instanceId(),
                    client.get("/latest/meta-data/instance-id").asString());
            JsonObject document = new JsonObject(
                    client.get("/latest/dynamic/instance-identity/document").asString());
            assertEquals(emulator.instanceId(), document.getString("instanceId"));
        }
        assertTrue(emulator.count("PUT", "/latest/api/token") <= 1,
                "the SDK's token requests were answered by the proxy; at most the proxy's own"
                        + " reached IMDS");
    }

    @ParameterizedTest(name = "IMDS requires tokens: {0}")
    @ValueSource(booleans = {false, true})
    void credentialsProviderResolvesTheTokenedCredentials(boolean tokensRequired) {
        emulator.requireTokens(tokensRequired);
        InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider.builder()
                .endpoint(endpoint()).build();

        AwsSessionCredentials resolved = (AwsSessionCredentials) provider.resolveCredentials();

        JsonObject expected = new JsonObject(emulator.credentials(true));
        assertEquals(expected.getString("AccessKeyId"), resolved.accessKeyId());
        assertEquals(expected.getString("SecretAccessKey"), resolved.secretAccessKey());
        assertEquals(expected.getString("Token"), resolved.sessionToken());
        provider.close();
    }

    private String endpoint() {
        String url = proxyUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
