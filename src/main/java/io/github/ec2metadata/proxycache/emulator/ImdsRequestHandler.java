package io.github.ec2metadata.proxycache.emulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/** Serves IMDS traffic: counts it, applies the configured faults, then answers like IMDS. */
final class ImdsRequestHandler {

    private final Vertx vertx;
    private final EmulatorState state;
    private final ImdsResponseWriter writer;

    ImdsRequestHandler(Vertx vertx, EmulatorState state) {
        this.vertx = vertx;
        this.state = state;
        this.writer = new ImdsResponseWriter(vertx);
    }

    /** Faults come in a fixed order after counting: reset, throttle, failure, latency. */
    void handle(HttpServerRequest request) {
        boolean withToken = request.headers().contains(ImdsTokens.TOKEN_HEADER);
        state.counter.record(request.method().name(), request.uri(), withToken);
        EmulatorSettings settings = state.settings;
        if (settings.resetConnections()) {
            ImdsResponseWriter.resetConnection(request);
            return;
        }
        if (settings.throttled()) {
            writer.write(request, ImdsAnswer.error(429), BodyFault.NONE);
            return;
        }
        if (isRead(request) && settings.failWithStatus() != 0) {
            writer.write(request, ImdsAnswer.error(settings.failWithStatus()), BodyFault.NONE);
            return;
        }
        long latency = settings.latencyMillis();
        if (latency > 0) {
            vertx.setTimer(latency, timer -> answer(request));
        } else {
            answer(request);
        }
    }

    /** Body faults damage metadata reads only, so a test can get a token and then a bad body. */
    private void answer(HttpServerRequest request) {
        ImdsAnswer answer = route(request);
        boolean get = HttpMethod.GET.equals(request.method());
        int oversized = state.settings.oversizedBodyBytes();
        if (get && oversized > 0) {
            answer = answer.withBody(new byte[oversized]);
        }
        writer.write(request, answer, get ? state.settings.bodyFault() : BodyFault.NONE);
    }

    private ImdsAnswer route(HttpServerRequest request) {
        String path = request.path() == null ? "" : request.path();
        HttpMethod method = request.method();
        if (ImdsTokens.isTokenPath(path)) {
            return HttpMethod.PUT.equals(method)
                    ? state.tokens.answerPut(path, request.headers(),
                            state.settings.tokenPutStatus())
                    : ImdsAnswer.error(405);
        }
        if (!isRead(request)) {
            return ImdsAnswer.error(405);
        }
        String token = request.getHeader(ImdsTokens.TOKEN_HEADER);
        ImdsAnswer refusal = state.tokens.checkRead(token, state.settings.requireTokens());
        if (refusal != null) {
            return refusal;
        }
        return path.startsWith("/") ? state.tree.read(path, token != null)
                : ImdsAnswer.error(404);
    }

    private static boolean isRead(HttpServerRequest request) {
        return HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
    }
}
