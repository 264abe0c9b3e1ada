package io.github.ec2metadata.proxycache.cache;

/**
 * The kinds of metadata an operator watches separately: credentials, the fixed facts of the
 * instance, network, tags, notices (spot, events, autoscaling), and everything else.
 */
public enum PathClass {
    CREDENTIALS("credentials"),
    INSTANCE_FACTS("instance_facts"),
    NETWORK("network"),
    TAGS("tags"),
    NOTICES("notices"),
    OTHER("other");

    private final String tag;

    PathClass(String tag) {
        this.tag = tag;
    }

    /** The value of the metrics tag. */
    public String tag() {
        return tag;
    }

    /** The class of a request target (path and query, version prefix included). */
    public static PathClass of(String target) {
        String path = CachePolicy.versionless(target);
        if (path.startsWith("meta-data/iam/")
                || path.startsWith("meta-data/identity-credentials/")) {
            return CREDENTIALS;
        }
        if (path.startsWith("meta-data/spot") || path.startsWith("meta-data/events")
                || path.startsWith("meta-data/autoscaling")
                || path.startsWith("meta-data/instance-action")) {
            return NOTICES;
        }
        if (path.startsWith("meta-data/tags")) {
            return TAGS;
        }
        if (path.startsWith("meta-data/network") || path.startsWith("meta-data/public-ipv4")
                || path.startsWith("meta-data/local-ipv4") || path.startsWith("meta-data/ipv6")
                || path.startsWith("meta-data/public-hostname")
                || path.startsWith("meta-data/local-hostname")
                || path.startsWith("meta-data/hostname")
                || path.startsWith("meta-data/security-groups")) {
            return NETWORK;
        }
        if (path.startsWith("meta-data/instance-id") || path.startsWith("meta-data/ami-id")
                || path.startsWith("meta-data/instance-type")
                || path.startsWith("meta-data/placement") || path.startsWith("meta-data/mac")
                || path.startsWith("meta-data/public-keys") || path.startsWith("user-data")
                || path.startsWith("dynamic/instance-identity")) {
            return INSTANCE_FACTS;
        }
        return OTHER;
    }
}
