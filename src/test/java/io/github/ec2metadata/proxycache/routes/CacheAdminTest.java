package io.github.ec2metadata.proxycache.routes;

import static io.github.ec2metadata.proxycache.support.Http.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ec2metadata.proxycache.support.Http;
import io.github.ec2metadata.proxycache.support.ProxyTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Operators see what is held, never its value, and can purge it. */
@QuarkusTest
class CacheAdminTest extends ProxyTestBase {

    private static final String CREDENTIALS =
            "/latest/meta-data/iam/security-credentials/ci-builder-role";

    @TestHTTPResource(value = "cache", management = true)
    URL cacheUrl;

    @Test
    void listsHeldKeysWithAgeFreshnessAndOutcomesButNoValues() {
        String token = proxy.token(60);
        proxy.get(CREDENTIALS);
        proxy.get(CREDENTIALS);
        proxy.get("/latest/meta-data/instance-id", Http.TOKEN, token);
        clock.advance(Duration.ofSeconds(7));

        HttpResponse<byte[]> listing = admin().get("");

        String body = Http.text(listing);
        assertEquals(200, listing.statusCode());
        assertFalse(body.contains("AccessKeyId") || body.contains("ASIA"), body);
        assertFalse(body.contains(Http.text(imds.get("/latest/meta-data/instance-id"))), body);
        JsonArray held = new JsonObject(body).getJsonArray("held");
        assertEquals(2, held.size());
        JsonObject credentials = find(held, CREDENTIALS, "v1");
        assertEquals(7, credentials.getLong("ageSeconds"));
        assertTrue(credentials.getBoolean("fresh"));
        assertEquals(1, credentials.getJsonObject("outcomes").getLong("miss"));
        assertEquals(1, credentials.getJsonObject("outcomes").getLong("hit"));
        assertEquals(200, find(held, "/latest/meta-data/instance-id", "v2").getInteger("status"));
    }

    @Test
    void purgesOneTargetOrEverything() {
        String token = proxy.token(60);
        proxy.get("/latest/meta-data/ami-id");
        proxy.get("/latest/meta-data/ami-id", Http.TOKEN, token);
        proxy.get("/latest/meta-data/instance-id");

        HttpResponse<byte[]> one = admin().send("DELETE",
                "?target=/latest/meta-data/ami-id&delivery=v1");

        assertEquals(1, new JsonObject(Http.text(one)).getInteger("purged"));
        assertEquals("MISS", header(proxy.get("/latest/meta-data/ami-id"), "X-Proxy-Cache"));
        assertEquals("HIT", header(proxy.get("/latest/meta-data/ami-id", Http.TOKEN, token),
                "X-Proxy-Cache"));

        HttpResponse<byte[]> all = admin().send("DELETE", "");

        assertEquals(3, new JsonObject(Http.text(all)).getInteger("purged"));
        assertEquals(0, cache.size());
        assertEquals(400, admin().send("DELETE", "?target=/x&delivery=v3").statusCode());
    }

    @Test
    void introspectionIsNotServedOnTheIMDSPort() {
        proxy.get("/latest/meta-data/ami-id");

        HttpResponse<byte[]> attempt = proxy.send("DELETE", "/q/cache");
        HttpResponse<byte[]> read = proxy.get("/q/cache");

        assertEquals(405, attempt.statusCode());
        assertEquals(404, read.statusCode(), "passed to IMDS, which has no such path");
        assertFalse(Http.text(read).contains("\"held\""));
        assertEquals("HIT", header(proxy.get("/latest/meta-data/ami-id"), "X-Proxy-Cache"));
    }

    private Http admin() {
        return new Http(cacheUrl.toString());
    }

    private static JsonObject find(JsonArray held, String target, String delivery) {
        for (int i = 0; i < held.size(); i++) {
            JsonObject entry = held.getJsonObject(i);
            if (entry.getString("target").equals(target)
                    && entry.getString("delivery").equals(delivery)) {
                return entry;
            }
        }
        throw new AssertionError(target + " " + delivery + " not in " + held.encode());
    }
}
