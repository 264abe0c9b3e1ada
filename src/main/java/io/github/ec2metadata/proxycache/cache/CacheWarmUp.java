package io.github.ec2metadata.proxycache.cache;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.token.TokenRequirement;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * At start, in the background: learns whether IMDS requires tokens, then fetches what SDK
 * clients ask for first (role credentials, instance id, region, identity document), so that
 * the first wave of clients finds it held. Nothing waits for it.
 */
@ApplicationScoped
public class CacheWarmUp {

    static final String ROLES = "/latest/meta-data/iam/security-credentials/";

    static final List<String> INSTANCE_FACTS = List.of(
            "/latest/meta-data/instance-id",
            "/latest/meta-data/instance-type",
            "/latest/meta-data/ami-id",
            "/latest/meta-data/placement/region",
            "/latest/meta-data/placement/availability-zone",
            "/latest/dynamic/instance-identity/document");

    private static final Logger LOG = Logger.getLogger(CacheWarmUp.class);

    private final MetadataCache cache;
    private final TokenRequirement requirement;
    private final boolean enabled;

    CacheWarmUp(MetadataCache cache, TokenRequirement requirement, ProxyConfig config) {
        this.cache = cache;
        this.requirement = requirement;
        this.enabled = config.cache().warmUp();
    }

    void start(@Observes @Priority(20) StartupEvent event) {
        requirement.probe().thenCompose(learned -> enabled ? warm() : done())
                .whenComplete((warmed, failure) -> LOG.debugf("start-up warm-up finished"));
    }

    /** Fetches credentials and instance facts for every delivery currently served. */
    public CompletionStage<Void> warm() {
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (Delivery delivery : Delivery.values()) {
            if (delivery == Delivery.TOKENLESS && !requirement.tokenlessAllowed()) {
                continue;
            }
            reads.add(warmCredentials(delivery).toCompletableFuture());
            for (String fact : INSTANCE_FACTS) {
                reads.add(cache.read(new CacheKey(delivery, fact)).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> warmCredentials(Delivery delivery) {
        return cache.read(new CacheKey(delivery, ROLES)).thenCompose(served -> {
            if (served.answer().status() != 200) {
                return done();
            }
            List<CompletableFuture<?>> roles = new ArrayList<>();
            for (String role : served.answer().body().toString().split("\n")) {
                if (!role.isBlank() && !role.contains("/")) {
                    roles.add(cache.read(new CacheKey(delivery, ROLES + role.strip()))
                            .toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(roles.toArray(CompletableFuture[]::new));
        });
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
