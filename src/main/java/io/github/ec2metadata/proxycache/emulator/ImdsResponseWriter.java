package io.github.ec2metadata.proxycache.emulator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Instant;
import java.util.Arrays;

/** Puts IMDS answers on the wire with IMDS's headers, whole or damaged by a body fault. */
final class ImdsResponseWriter {

    static final long DRIP_INTERVAL_MILLIS = 200;

    /** How many bytes more than it sends an overstated Content-Length promises. */
    static final int OVERSTATED_BYTES = 10;

    private final Vertx vertx;
    private final String lastModified = ImdsTime.httpDate(Instant.now());

    ImdsResponseWriter(Vertx vertx) {
        this.vertx = vertx;
    }

    void write(HttpServerRequest request, ImdsAnswer answer, BodyFault fault) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            return;
        }
        response.setStatusCode(answer.status())
                .putHeader("Server", "EC2ws")
                .putHeader("Date", ImdsTime.httpDate(Instant.now()))
                .putHeader("Last-Modified", lastModified)
                .putHeader("Accept-Ranges", "none")
                .putHeader("Content-Type", answer.contentType())
                .putHeader("Content-Length", String.valueOf(answer.body().length));
        answer.headers().forEach(response::putHeader);
        byte[] body = answer.body();
        if (HttpMethod.HEAD.equals(request.method()) || body.length == 0) {
            response.end();
        } else if (fault == BodyFault.TRUNCATE) {
            truncate(request, body);
        } else if (fault == BodyFault.DRIP) {
            drip(response, body);
        } else if (fault == BodyFault.OVERSTATED) {
            response.putHeader("Content-Length", String.valueOf(body.length + OVERSTATED_BYTES));
            response.write(Buffer.buffer(body));
        } else {
            response.end(Buffer.buffer(body));
        }
    }

    /** Kills the connection with a TCP reset (SO_LINGER 0), so the client sees no answer. */
    static void resetConnection(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (connection instanceof ConnectionBase base) {
            Channel channel = base.channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        } else {
            connection.close();
        }
    }

    /** Half the promised body, then close once it has been flushed. */
    private static void truncate(HttpServerRequest request, byte[] body) {
        Buffer half = Buffer.buffer(Arrays.copyOf(body, body.length / 2));
        request.response().write(half).onComplete(written -> request.connection().close());
    }

    private void drip(HttpServerResponse response, byte[] body) {
        response.write(Buffer.buffer(new byte[] {body[0]}));
        if (body.length == 1) {
            response.end();
            return;
        }
        int[] next = {1};
        long timer = vertx.setPeriodic(DRIP_INTERVAL_MILLIS, id -> {
            if (response.closed()) {
                vertx.cancelTimer(id);
                return;
            }
            Buffer oneByte = Buffer.buffer(new byte[] {body[next[0]++]});
            if (next[0] == body.length) {
                vertx.cancelTimer(id);
                response.end(oneByte);
            } else {
                response.write(oneByte);
            }
        });
        response.closeHandler(closed -> vertx.cancelTimer(timer));
    }
}
