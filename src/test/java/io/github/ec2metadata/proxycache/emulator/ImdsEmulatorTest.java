package io.github.ec2metadata.proxycache.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.RawHttp;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

/** Checks that the emulator answers like IMDS and that every control switch works. */
class ImdsEmulatorTest {

    private static final String TOKEN = "X-aws-ec2-metadata-token";
    private static final String TTL = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final String ROLE_PATH =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";

    private static ImdsEmulator emulator;
    private static EmulatorControl control;
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    @BeforeAll
    static void startEmulator() {
        emulator = ImdsEmulator.start(0);
        control = new EmulatorControl(emulator.baseUrl());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void resetEmulator() {
        control.reset();
    }

    // ---- listings and documents ----

    @Test
    void rootListsVersionsOnePerLineWithoutTrailingNewline() throws Exception {
        HttpResponse<String> response = get("/");
        assertEquals(200, response.statusCode());
        List<String> versions = List.of(response.body().split("\n", -1));
        assertEquals("1.0", versions.get(0));
        assertEquals("latest", versions.get(versions.size() - 1));
        assertTrue(versions.containsAll(List.of("2016-09-02", "2021-03-23", "2022-09-24")));
        assertFalse(response.body().endsWith("\n"));
    }

    @Test
    void everyAnswerCarriesImdsHeaders() throws Exception {
        HttpResponse<String> response = get("/latest/meta-data/instance-id");
        assertEquals("EC2ws", header(response, "Server"));
        assertEquals("text/plain", header(response, "Content-Type"));
        assertTrue(response.headers().firstValue("Last-Modified").isPresent());
        assertEquals(InstanceIdentity.INSTANCE_ID, response.body());
    }

    @Test
    void versionRootListsTheThreeTrees() throws Exception {
        assertEquals("dynamic\nmeta-data\nuser-data", get("/latest").body());
        assertEquals("dynamic\nmeta-data\nuser-data", get("/latest/").body());
    }

    @Test
    void directoriesListChildrenWithSlashesAndNoTrailingNewline() throws Exception {
        String listing = get("/latest/meta-data/").body();
        List<String> lines = List.of(listing.split("\n", -1));
        assertTrue(lines.containsAll(List.of("ami-id", "instance-id", "placement/", "iam/",
                "public-keys/", "spot/", "network/", "tags/", "autoscaling/")));
        assertFalse(lines.contains("ipv6"));
        assertFalse(listing.endsWith("\n"));
        assertEquals(lines.stream().sorted().toList(), lines);
    }

    @Test
    void trailingSlashIsOptionalOnDirectoriesAndLeaves() throws Exception {
        assertEquals(get("/latest/meta-data/").body(), get("/latest/meta-data").body());
        assertEquals(get("/latest/meta-data/placement/").body(),
                get("/latest/meta-data/placement").body());
        assertEquals("availability-zone\navailability-zone-id\nregion",
                get("/latest/meta-data/placement").body());
        HttpResponse<String> leafWithSlash = get("/latest/meta-data/instance-id/");
        assertEquals(200, leafWithSlash.statusCode());
        assertEquals(InstanceIdentity.INSTANCE_ID, leafWithSlash.body());
    }

    @Test
    void datedVersionsServeTheLatestTree() throws Exception {
        assertEquals(get("/latest/meta-data/").body(), get("/2021-07-15/meta-data/").body());
        assertEquals("us-east-1", get("/2016-09-02/meta-data/placement/region").body());
        assertEquals(404, get("/2099-01-01/meta-data/").statusCode());
    }

    @Test
    void publicKeysListIndexEqualsName() throws Exception {
        assertEquals("0=my-key", get("/latest/meta-data/public-keys/").body());
        assertEquals("openssh-key", get("/latest/meta-data/public-keys/0/").body());
        assertTrue(get("/latest/meta-data/public-keys/0/openssh-key").body()
                .startsWith("ssh-"));
    }

    @Test
    void networkInterfaceIsListedUnderItsMac() throws Exception {
        String mac = get("/latest/meta-data/mac").body();
        String base = "/latest/meta-data/network/interfaces/macs/";
        assertEquals(mac + "/", get(base).body());
        String listing = get(base + mac + "/").body();
        assertTrue(listing.contains("subnet-id") && listing.contains("vpc-id"));
        assertEquals(InstanceIdentity.VPC_ID, get(base + mac + "/vpc-id").body());
    }

    @Test
    void absentItemsGetTheImdsNotFoundPage() throws Exception {
        HttpResponse<String> response = get("/latest/meta-data/ipv6");
        assertEquals(404, response.statusCode());
        assertEquals("text/html", header(response, "Content-Type"));
        assertEquals("EC2ws", header(response, "Server"));
        assertTrue(response.body().startsWith("<?xml version=\"1.0\""));
        assertTrue(response.body().contains("<title>404 - Not Found</title>"));
        assertEquals(404, get("/latest/meta-data/no/such/thing").statusCode());
        assertEquals(404, get("/latest/meta-data/instance-id/extra").statusCode());
    }

    @Test
    void userDataIsServedAsRawBytes() throws Exception {
        HttpResponse<byte[]> response = send(request("/latest/user-data").GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", header(response, "Content-Type"));
        byte[] body = response.body();
        assertArrayEquals(InstanceIdentity.userData(), body);
        assertEquals(0x1f, body[0] & 0xff);
        assertEquals(0x8b, body[1] & 0xff);
        assertTrue(new String(body, StandardCharsets.ISO_8859_1).indexOf('\u00ff') >= 0);
    }

    @Test
    void identityDocumentMatchesTheMetaData() throws Exception {
        assertEquals("instance-identity/", get("/latest/dynamic/").body());
        assertEquals("document\npkcs7\nrsa2048\nsignature",
                get("/latest/dynamic/instance-identity/").body());
        HttpResponse<String> response = get("/latest/dynamic/instance-identity/document");
        assertEquals("text/plain", header(response, "Content-Type"));
        JsonObject document = new JsonObject(response.body());
        assertEquals(get("/latest/meta-data/instance-id").body(),
                document.getString("instanceId"));
        assertEquals(get("/latest/meta-data/placement/region").body(),
                document.getString("region"));
        assertEquals(get("/latest/meta-data/local-ipv4").body(), document.getString("privateIp"));
        assertTrue(response.body().contains("\"accountId\" : "));
    }

    @Test
    void iamInfoAndRoleListing() throws Exception {
        assertEquals("info\nsecurity-credentials/", get("/latest/meta-data/iam/").body());
        assertEquals("ci-builder-role",
                get("/latest/meta-data/iam/security-credentials/").body());
        JsonObject info = new JsonObject(get("/latest/meta-data/iam/info").body());
        assertEquals("Success", info.getString("Code"));
        assertTrue(info.getString("InstanceProfileArn").endsWith("/ci-builder-role"));
    }

    @Test
    void headAnswersLikeGetWithoutBody() throws Exception {
        HttpResponse<String> get = get("/latest/meta-data/instance-id");
        HttpResponse<String> head = send(request("/latest/meta-data/instance-id")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals(header(get, "Content-Length"), header(head, "Content-Length"));
        assertEquals(header(get, "Content-Type"), header(head, "Content-Type"));
        HttpResponse<String> missing = send(request("/latest/meta-data/ipv6")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(404, missing.statusCode());
    }

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        assertEquals(405, send(request("/latest/meta-data/")
                .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
        assertEquals(405, send(request("/latest/meta-data/instance-id")
                .DELETE()).statusCode());
        assertEquals(405, get("/latest/api/token").statusCode());
    }

    // ---- IMDSv2 tokens ----

    @Test
    void tokenPutEchoesTheTtl() throws Exception {
        HttpResponse<String> response = putToken("/latest/api/token", "21600");
        assertEquals(200, response.statusCode());
        assertEquals("21600", header(response, TTL));
        assertTrue(response.body().length() >= 40);
        assertEquals("text/plain", header(response, "Content-Type"));
        assertNotEquals(response.body(), putToken("/latest/api/token", "60").body());
    }

    @Test
    void tokenPutRejectsBadTtls() throws Exception {
        assertEquals(400, send(request("/latest/api/token")
                .PUT(HttpRequest.BodyPublishers.noBody())).statusCode());
        for (String ttl : List.of("abc", "0", "21601", "-5", "1.5")) {
            assertEquals(400, putToken("/latest/api/token", ttl).statusCode(), ttl);
        }
        assertEquals(200, putToken("/latest/api/token", "1").statusCode());
    }

    @Test
    void tokenPutRefusesForwardedRequestsAndDatedPaths() throws Exception {
        HttpResponse<String> forwarded = send(request("/latest/api/token")
                .header(TTL, "60")
                .header("X-Forwarded-For", "10.0.0.9")
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(403, forwarded.statusCode());
        assertEquals(403, putToken("/2021-03-23/api/token", "60").statusCode());
    }

    @Test
    void tokenPutStatusForcesImdsV1Fallback() throws Exception {
        control.tokenPutStatus(405);
        assertEquals(405, putToken("/latest/api/token", "60").statusCode());
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
        control.tokenPutStatus(0);
        assertEquals(200, putToken("/latest/api/token", "60").statusCode());
    }

    @Test
    void requiredTokensRefuseTokenlessAndUnknownTokens() throws Exception {
        control.requireTokens(true);
        String path = "/latest/meta-data/instance-id";
        assertEquals(401, get(path).statusCode());
        assertEquals(401, get(path, TOKEN, "not-a-real-token").statusCode());
        HttpResponse<String> withToken = get(path, TOKEN, token(60));
        assertEquals(200, withToken.statusCode());
        assertEquals(InstanceIdentity.INSTANCE_ID, withToken.body());
    }

    @Test
    void unknownTokensAreRefusedEvenWhenTokensAreOptional() throws Exception {
        assertEquals(401, get("/latest/meta-data/", TOKEN, "forged").statusCode());
    }

    @Test
    void expiredTokensAreRefused() throws Exception {
        String token = token(1);
        assertEquals(200, get("/latest/meta-data/", TOKEN, token).statusCode());
        Thread.sleep(1_200);
        assertEquals(401, get("/latest/meta-data/", TOKEN, token).statusCode());
    }

    // ---- credentials ----

    @Test
    void imdsV1AndV2CallersGetDifferentCredentials() throws Exception {
        HttpResponse<String> v1 = get(ROLE_PATH);
        HttpResponse<String> v2 = get(ROLE_PATH, TOKEN, token(60));
        assertEquals("text/plain", header(v1, "Content-Type"));
        JsonObject v1Credentials = new JsonObject(v1.body());
        JsonObject v2Credentials = new JsonObject(v2.body());
        assertNotEquals(v1Credentials.getString("AccessKeyId"),
                v2Credentials.getString("AccessKeyId"));
        assertNotEquals(v1Credentials.getString("Token"), v2Credentials.getString("Token"));
        assertEquals(v1.body(), control.credentials(false));
        assertEquals(v2.body(), control.credentials(true));
    }

    @Test
    void credentialDocumentLooksLikeImds() throws Exception {
        String body = get(ROLE_PATH).body();
        assertTrue(body.startsWith("{\n  \"Code\" : \"Success\",\n"));
        JsonObject credentials = new JsonObject(body);
        assertEquals("AWS-HMAC", credentials.getString("Type"));
        assertTrue(credentials.getString("AccessKeyId").startsWith("ASIA"));
        assertFalse(credentials.getString("SecretAccessKey").isEmpty());
        String expiration = credentials.getString("Expiration");
        assertTrue(expiration.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), expiration);
        Duration left = Duration.between(Instant.now(), Instant.parse(expiration));
        assertTrue(left.compareTo(Duration.ofHours(5)) > 0, left.toString());
        assertEquals(body, get(ROLE_PATH + "/").body());
    }

    @Test
    void rotationIssuesNewCredentials() throws Exception {
        String before = accessKeyId(get(ROLE_PATH).body());
        assertEquals(before, accessKeyId(get(ROLE_PATH).body()));
        control.rotateCredentials();
        assertNotEquals(before, accessKeyId(get(ROLE_PATH).body()));
    }

    @Test
    void credentialsNearExpirationAreReplacedOnRead() throws Exception {
        control.credentialLifetime(Duration.ofMinutes(4)).rotateCredentials();
        String first = get(ROLE_PATH).body();
        String second = get(ROLE_PATH).body();
        assertNotEquals(accessKeyId(first), accessKeyId(second));
        Duration left = Duration.between(Instant.now(),
                Instant.parse(new JsonObject(second).getString("Expiration")));
        assertTrue(left.compareTo(Duration.ofMinutes(5)) < 0, left.toString());
    }

    @Test
    void spotNoticeAppearsOnlyWhenTriggered() throws Exception {
        assertEquals(404, get("/latest/meta-data/spot/instance-action").statusCode());
        assertEquals(404, get("/latest/meta-data/spot/termination-time").statusCode());
        assertEquals(200, get("/latest/meta-data/spot/").statusCode());
        control.triggerSpotNotice();
        assertEquals("instance-action\ntermination-time", get("/latest/meta-data/spot/").body());
        JsonObject action = new JsonObject(get("/latest/meta-data/spot/instance-action").body());
        assertEquals("terminate", action.getString("action"));
        Instant time = Instant.parse(get("/latest/meta-data/spot/termination-time").body());
        assertEquals(time, Instant.parse(action.getString("time")));
        Duration ahead = Duration.between(Instant.now(), time);
        assertTrue(ahead.toSeconds() > 100 && ahead.toSeconds() <= 120, ahead.toString());
        assertEquals(200,
                get("/latest/meta-data/events/recommendations/rebalance").statusCode());
    }

    @Test
    void theAwsSdkReadsImdsV2Credentials() {
        AwsCredentials credentials = sdkCredentials();
        assertEquals(accessKeyId(control.credentials(true)), credentials.accessKeyId());
        assertEquals(1, control.count("PUT", "/latest/api/token"));
        assertEquals(1, control.count("GET", ROLE_PATH, true));
    }

    @Test
    void theAwsSdkFallsBackToImdsV1WhenTokensAreRefused() {
        control.tokenPutStatus(403);
        AwsCredentials credentials = sdkCredentials();
        assertEquals(accessKeyId(control.credentials(false)), credentials.accessKeyId());
        assertEquals(0, control.count("GET", ROLE_PATH, true));
    }

    // ---- faults ----

    @Test
    void resetConnectionsGivesNoAnswer() throws Exception {
        control.resetConnections(true);
        assertThrows(IOException.class, () -> get("/latest/meta-data/instance-id"));
        // The JDK client retries an idempotent GET once, and each attempt is counted.
        assertTrue(control.count("GET", "/latest/meta-data/instance-id") >= 1);
        control.resetConnections(false);
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
    }

    @Test
    void throttlingAnswers429AboveTheRate() throws Exception {
        control.throttleAbovePerSecond(3);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            statuses.add(get("/latest/meta-data/instance-id").statusCode());
        }
        assertEquals(200, statuses.get(0));
        assertTrue(statuses.contains(429), statuses.toString());
        assertEquals(10, control.count("GET", "/latest/meta-data/instance-id"));
    }

    @Test
    void failWithStatusFailsEveryRead() throws Exception {
        control.failWithStatus(500);
        HttpResponse<String> response = get("/latest/meta-data/instance-id");
        assertEquals(500, response.statusCode());
        assertEquals("EC2ws", header(response, "Server"));
        assertEquals(500, get("/latest/meta-data/no-such-item").statusCode());
        control.failWithStatus(0);
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
    }

    @Test
    void latencyDelaysEveryAnswer() throws Exception {
        control.latency(Duration.ofMillis(300));
        long started = System.nanoTime();
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 290);
    }

    @Test
    void truncatedBodiesBreakTheRead() throws Exception {
        control.bodyFault("truncate");
        assertThrows(IOException.class, () -> get(ROLE_PATH));
        control.bodyFault("none");
        assertEquals(200, get(ROLE_PATH).statusCode());
    }

    @Test
    void drippedBodiesArriveWholeButSlowly() throws Exception {
        control.bodyFault("drip");
        long started = System.nanoTime();
        HttpResponse<String> response = get("/latest/meta-data/placement/region");
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals("us-east-1", response.body());
        assertTrue(millis >= 8 * ImdsResponseWriter.DRIP_INTERVAL_MILLIS - 50, millis + " ms");
    }

    @Test
    void overstatedLengthsLeaveTheReaderWaitingForBytesThatNeverCome() throws Exception {
        control.bodyFault("overstated");

        // The JDK client's timeout ends at the headers; a raw read gives up after 1.5 s silence.
        RawHttp.Exchange read = RawHttp.send(URI.create(emulator.baseUrl()).toURL(),
                "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: imds\r\n\r\n", 1);

        assertTrue(read.answers().isEmpty() && !read.closed(), read.toString());
        control.bodyFault("none");
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
    }

    @Test
    void oversizedBodiesReplaceEveryGetBodyButNotTokens() throws Exception {
        control.oversizedBodyBytes(5000);

        HttpResponse<String> read = get("/latest/meta-data/instance-id");
        HttpResponse<String> token = putToken("/latest/api/token", "60");

        assertEquals(5000, read.body().length());
        assertEquals("5000", header(read, "Content-Length"));
        assertTrue(token.body().length() < 200, token.body());
        control.oversizedBodyBytes(0);
        assertEquals(InstanceIdentity.INSTANCE_ID, get("/latest/meta-data/instance-id").body());
        assertThrows(IllegalStateException.class, () -> control.oversizedBodyBytes(-1));
    }

    @Test
    void badConfigurationChangesNothing() throws Exception {
        assertThrows(IllegalStateException.class,
                () -> control.configure(Map.of("failWithStatus", 500, "nonsense", true)));
        assertThrows(IllegalStateException.class, () -> control.bodyFault("sideways"));
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
    }

    // ---- counters and reset ----

    @Test
    void countersSplitByTokenPresenceAndRawTarget() throws Exception {
        String token = token(60);
        get("/latest/meta-data/instance-id");
        get("/latest/meta-data/instance-id", TOKEN, token);
        get("/latest/meta-data/instance-id", TOKEN, token);
        get("/latest/meta-data/instance-id?x=1");
        get("/latest/meta-data/instance-id", TOKEN, "forged");
        assertEquals(1, control.count("PUT", "/latest/api/token"));
        assertEquals(3, control.count("GET", "/latest/meta-data/instance-id", true));
        assertEquals(1, control.count("GET", "/latest/meta-data/instance-id", false));
        assertEquals(4, control.count("GET", "/latest/meta-data/instance-id"));
        assertEquals(1, control.count("GET", "/latest/meta-data/instance-id?x=1"));
        assertEquals(6, control.total());
        JsonObject requests = new JsonObject(control.requests());
        assertEquals(6, requests.getLong("total"));
        assertEquals(3, requests.getJsonArray("requests").size());
    }

    @Test
    void controlTrafficIsNeverCounted() throws Exception {
        control.credentials(true);
        control.instanceId();
        control.requests();
        assertEquals(0, control.total());
    }

    @Test
    void resetRestoresAFreshEmulator() throws Exception {
        String token = token(60);
        String accessKeyId = accessKeyId(get(ROLE_PATH).body());
        control.configure(Map.of("requireTokens", true, "failWithStatus", 503,
                "latencyMillis", 50, "bodyFault", "drip", "tokenPutStatus", 403,
                "oversizedBodyBytes", 100));
        control.triggerSpotNotice();
        control.reset();
        assertEquals(0, control.total());
        assertEquals(200, get("/latest/meta-data/instance-id").statusCode());
        assertEquals(401, get("/latest/meta-data/instance-id", TOKEN, token).statusCode());
        assertEquals(200, putToken("/latest/api/token", "60").statusCode());
        assertEquals(404, get("/latest/meta-data/spot/instance-action").statusCode());
        assertNotEquals(accessKeyId, accessKeyId(get(ROLE_PATH).body()));
        assertEquals(InstanceIdentity.INSTANCE_ID, control.instanceId());
    }

    // ---- helpers ----

    private static String token(int ttlSeconds) throws Exception {
        HttpResponse<String> response = putToken("/latest/api/token",
                String.valueOf(ttlSeconds));
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static AwsCredentials sdkCredentials() {
        try (InstanceProfileCredentialsProvider provider = InstanceProfileCredentialsProvider
                .builder().endpoint(emulator.baseUrl()).build()) {
            return provider.resolveCredentials();
        }
    }

    private static String accessKeyId(String credentialJson) {
        return new JsonObject(credentialJson).getString("AccessKeyId");
    }

    private static HttpResponse<String> putToken(String path, String ttl) throws Exception {
        return send(request(path).header(TTL, ttl).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder builder = request(path).GET();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
                .timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest.Builder builder) throws Exception {
        return send(builder, HttpResponse.BodyHandlers.ofString());
    }

    private static <T> HttpResponse<T> send(HttpRequest.Builder builder,
            HttpResponse.BodyHandler<T> handler) throws Exception {
        return CLIENT.send(builder.build(), handler);
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
