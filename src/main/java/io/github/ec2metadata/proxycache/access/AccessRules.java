package io.github.ec2metadata.proxycache.access;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may read which metadata through this proxy, checked on arrival before the cache or IMDS:
 * the client ranges of {@code imds.clients.allow} and the path patterns of
 * {@code imds.paths.deny}. Both are off by default, as IMDS itself has no such rules.
 */
@ApplicationScoped
public class AccessRules {

    private final List<ClientRange> allowedClients;
    private final DeniedPaths deniedPaths;

    AccessRules(ProxyConfig config) {
        this.allowedClients = clientRanges(config.clients().allow().orElse(List.of()));
        this.deniedPaths = deniedPaths(config.paths().deny().orElse(List.of()));
    }

    /** Checks both rules; throws {@link IllegalArgumentException} naming the bad property. */
    public static void validate(ProxyConfig config) {
        new AccessRules(config);
    }

    /**
     * Whether a client at this address (the connection's peer, never a forwarded-for header)
     * may be served. Everyone may when no range is configured.
     */
    public boolean allowsClient(SocketAddress peer) {
        if (allowedClients.isEmpty()) {
            return true;
        }
        byte[] address = peer == null ? null : ClientRange.addressOf(peer.hostAddress());
        if (address == null) {
            return false;
        }
        for (ClientRange range : allowedClients) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether reading this request target (path and query, as sent) is refused. */
    public boolean deniesPath(String target) {
        return deniedPaths.denies(target);
    }

    /** The rules in force, for the start-up log. */
    public String describe() {
        return "clients " + (allowedClients.isEmpty() ? "all" : allowedClients.toString())
                + ", denied paths " + (deniedPaths.isEmpty() ? "none" : deniedPaths.toString());
    }

    private static List<ClientRange> clientRanges(List<String> written) {
        List<ClientRange> ranges = new ArrayList<>();
        for (String range : written) {
            try {
                ranges.add(ClientRange.parse(range));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("imds.clients.allow: " + e.getMessage(), e);
            }
        }
        return List.copyOf(ranges);
    }

    private static DeniedPaths deniedPaths(List<String> written) {
        try {
            return DeniedPaths.compile(written);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("imds.paths.deny: " + e.getMessage(), e);
        }
    }
}
