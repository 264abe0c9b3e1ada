package io.github.ec2metadata.proxycache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the proxy, under the prefix {@code imds}; each one can also be given as an
 * environment variable ({@code imds.upstream.url} as {@code IMDS_UPSTREAM_URL}).
 */
@ConfigMapping(prefix = "imds")
public interface ProxyConfig {

    /** How the proxy reaches IMDS. */
    Upstream upstream();

    /** How long answers are kept. */
    Cache cache();

    /** Role credentials. */
    Credentials credentials();

    /** IMDSv2 session tokens handed to clients. */
    Tokens tokens();

    /** Settings of the answers the proxy writes. */
    Answers answers();

    /** Health reporting. */
    Health health();

    /** Which metadata paths are served; all by default. */
    Paths paths();

    /** Which clients are served; all by default. */
    Clients clients();

    /** The connection to IMDS. */
    interface Upstream {

        /** Base URL of IMDS; only scheme, host and port are used. */
        @WithDefault("http://169.254.169.254")
        URI url();

        /** Most upstream requests in flight at once; further ones wait in a queue. */
        @WithDefault("2")
        int maxConnections();

        /** Most upstream requests waiting for a connection; past that a miss is answered 503. */
        @WithDefault("10000")
        int maxWaiting();

        /** Time allowed to open a TCP connection to IMDS. */
        @WithDefault("250ms")
        Duration connectTimeout();

        /** Time allowed for one upstream attempt, from sending the request to the last byte. */
        @WithDefault("300ms")
        Duration attemptTimeout();

        /**
         * Time within which a client waiting on IMDS gets an answer, retries included; well under
         * the one-second timeout of the AWS SDKs.
         */
        @WithDefault("800ms")
        Duration deadline();

        /** Pause before the first retry; each further retry doubles it, with random jitter. */
        @WithDefault("25ms")
        Duration retryBackoff();

        /** Largest upstream body accepted; a larger one is an upstream error. */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** Lifetime asked for the proxy's own IMDSv2 token. */
        @WithDefault("21600s")
        Duration tokenTtl();
    }

    /** The metadata cache. */
    interface Cache {

        /** Most answers held; the least used are evicted beyond it. */
        @WithDefault("10000")
        long maxEntries();

        /**
         * Whether, at start, role credentials and the instance facts SDKs ask for first are
         * fetched in the background, so that the first clients find them held.
         */
        @WithDefault("true")
        boolean warmUp();

        /** Freshness of answers whose path matches no rule. */
        @WithDefault("10m")
        Duration defaultTtl();

        /** How long past its freshness an unmatched answer may be served while IMDS fails. */
        @WithDefault("1h")
        Duration defaultStaleIfError();

        /** Freshness of a 404 whose path matches no rule. */
        @WithDefault("1m")
        Duration defaultNotFoundTtl();

        /**
         * Rules by name. A path takes the first rule, in ascending {@code order}, that has a
         * pattern matching it.
         */
        Map<String, Rule> rules();

        /** How long one group of paths is kept. */
        interface Rule {

            /**
             * Glob patterns over the path after its version prefix ({@code latest}, {@code 1.0} or
             * a date): {@code *} stands for part of one segment, {@code **} for any segments.
             */
            List<String> paths();

            /** Place of this rule in the order rules are tried; lower first. */
            @WithDefault("100")
            int order();

            /** How long a 200 answer is fresh. */
            Duration ttl();

            /** How long past {@link #ttl()} the answer may be served while IMDS fails. */
            @WithDefault("0s")
            Duration staleIfError();

            /** How long a 404 answer is fresh; never longer than {@link #ttl()}. */
            Optional<Duration> notFoundTtl();
        }
    }

    /** Role credentials. */
    interface Credentials {

        /**
         * Credentials are fresh until their {@code Expiration} minus this margin. It exceeds the
         * 15 minutes before expiry at which botocore and the AWS CLI start refreshing, so that no
         * SDK is handed credentials it would immediately want to replace.
         */
        @WithDefault("20m")
        Duration refreshMargin();
    }

    /** Session tokens. */
    interface Tokens {

        /**
         * {@code mirror}: refuse tokenless reads while IMDS does; {@code required}: always refuse
         * them; {@code optional}: always serve them.
         */
        @WithDefault("mirror")
        String mode();

        /**
         * Secret that signs client tokens, at least 32 characters; with it, tokens stay valid
         * across restarts. Without it a random key is made at each start.
         */
        Optional<String> signingKey();

        /** How often, in mirror mode, IMDS is asked again whether it requires tokens. */
        @WithDefault("1m")
        Duration mirrorCheckInterval();
    }

    /** Health reporting. */
    interface Health {

        /**
         * Whether readiness stays DOWN until IMDS has answered once. Turn off where the proxy
         * must be ready before IMDS can be reached.
         */
        @WithDefault("true")
        boolean waitForUpstream();
    }

    /** Metadata paths refused to every client. */
    interface Paths {

        /**
         * Patterns (the cache rules' glob syntax, without the version prefix) whose reads are
         * answered 403; a pattern written {@code !pattern} excepts what it matches. Unset:
         * every path is served.
         */
        Optional<List<String>> deny();
    }

    /** Client addresses served. */
    interface Clients {

        /**
         * Client address ranges (CIDR or single addresses, IPv4 or IPv6) that are served;
         * any other client gets 403. Unset: every client is served.
         */
        Optional<List<String>> allow();
    }

    /** Answers to clients. */
    interface Answers {

        /** Name of the header that tells how the answer was obtained. */
        @WithName("cache-status-header")
        @WithDefault("X-Proxy-Cache")
        String cacheStatusHeader();
    }
}
