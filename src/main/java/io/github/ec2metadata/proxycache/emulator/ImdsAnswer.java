package io.github.ec2metadata.proxycache.emulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One complete IMDS answer (status, content type, body, extra headers) before it is written. */
record ImdsAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String TEXT = "text/plain";
    static final String BINARY = "application/octet-stream";
    static final String HTML = "text/html";

    /** IMDS serves every document, JSON included, as text/plain. */
    static ImdsAnswer text(String body) {
        return new ImdsAnswer(200, TEXT, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static ImdsAnswer bytes(String contentType, byte[] body) {
        return new ImdsAnswer(200, contentType, body, Map.of());
    }

    /** IMDS answers errors with a small XHTML page, whatever the client asked for. */
    static ImdsAnswer error(int status) {
        String title = status + " - " + reasonPhrase(status);
        String page = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
                + "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
                + "\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
                + "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
                + " <head>\n"
                + "  <title>" + title + "</title>\n"
                + " </head>\n"
                + " <body>\n"
                + "  <h1>" + title + "</h1>\n"
                + " </body>\n"
                + "</html>\n";
        return new ImdsAnswer(status, HTML, page.getBytes(StandardCharsets.ISO_8859_1), Map.of());
    }

    ImdsAnswer withBody(byte[] replacement) {
        return new ImdsAnswer(status, contentType, replacement, headers);
    }

    ImdsAnswer withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ImdsAnswer(status, contentType, body, Map.copyOf(more));
    }

    private static String reasonPhrase(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase();
    }
}
