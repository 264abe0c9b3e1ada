package io.github.ec2metadata.proxycache.upstream;

import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * The two calls the proxy makes to IMDS. Built and owned by {@link ImdsUpstream}, which adds
 * the connection bound, timeouts and retries.
 */
interface ImdsRestClient {

    String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";

    /**
     * Reads one metadata path. The whole URL is given so that the client's path and query reach
     * IMDS exactly as they were sent, without re-encoding; a null token sends no token header.
     */
    @GET
    Uni<Response> read(@Url String url, @HeaderParam(TOKEN_HEADER) String sessionToken);

    /** Asks IMDS for a session token of the proxy's own. */
    @PUT
    @Path("/latest/api/token")
    Uni<Response> createSessionToken(@HeaderParam(TOKEN_TTL_HEADER) long ttlSeconds);
}
