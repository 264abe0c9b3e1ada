package io.github.ec2metadata.proxycache.routes;

import io.github.ec2metadata.proxycache.cache.CacheKey;
import io.github.ec2metadata.proxycache.cache.Delivery;
import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.cache.Outcome;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Comparator;
import java.util.Locale;

/**
 * Cache introspection for operators, on the management port only: what is held (keys, age,
 * freshness, outcome counts; never the values), and purging one key or all.
 *
 * <pre>
 *   GET    /q/cache                           the held keys
 *   DELETE /q/cache                           purge everything
 *   DELETE /q/cache?target=/latest/...&amp;delivery=v1|v2   purge one target (both if no delivery)
 * </pre>
 */
@ApplicationScoped
public class CacheAdminRoutes {

    static final String PATH = "/q/cache";

    private final MetadataCache cache;

    CacheAdminRoutes(MetadataCache cache) {
        this.cache = cache;
    }

    void install(@Observes ManagementInterface management) {
        management.router().get(PATH).handler(this::list);
        management.router().delete(PATH).handler(this::purge);
    }

    private void list(RoutingContext context) {
        JsonArray held = new JsonArray();
        cache.describe().stream()
                .sorted(Comparator.comparing((MetadataCache.HeldEntry entry) ->
                        entry.key().target()).thenComparing(entry -> entry.key().delivery()))
                .forEach(entry -> held.add(describe(entry)));
        reply(context, 200, new JsonObject().put("entries", held.size()).put("held", held));
    }

    private void purge(RoutingContext context) {
        String target = context.request().getParam("target");
        String delivery = context.request().getParam("delivery");
        if (target == null) {
            reply(context, 200, new JsonObject().put("purged", cache.forget(key -> true)));
            return;
        }
        Delivery only = parseDelivery(delivery);
        if (delivery != null && only == null) {
            reply(context, 400, new JsonObject().put("error", "delivery must be v1 or v2"));
            return;
        }
        int purged = cache.forget(key -> key.target().equals(target)
                && (only == null || key.delivery() == only));
        reply(context, 200, new JsonObject().put("purged", purged));
    }

    private static JsonObject describe(MetadataCache.HeldEntry entry) {
        JsonObject outcomes = new JsonObject();
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome.name().toLowerCase(Locale.ROOT), entry.stats().served(outcome));
        }
        return new JsonObject()
                .put("target", entry.key().target())
                .put("delivery", label(entry.key()))
                .put("status", entry.status())
                .put("ageSeconds", entry.ageSeconds())
                .put("fresh", entry.fresh())
                .put("freshForSeconds", Math.max(0, entry.freshForSeconds()))
                .put("usableWhileFailing", entry.usableWhileFailing())
                .put("outcomes", outcomes);
    }

    private static String label(CacheKey key) {
        return key.delivery() == Delivery.TOKENED ? "v2" : "v1";
    }

    private static Delivery parseDelivery(String delivery) {
        if ("v1".equals(delivery)) {
            return Delivery.TOKENLESS;
        }
        return "v2".equals(delivery) ? Delivery.TOKENED : null;
    }

    private static void reply(RoutingContext context, int status, JsonObject body) {
        context.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.encodePrettily());
    }
}
