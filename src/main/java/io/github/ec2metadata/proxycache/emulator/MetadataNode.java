package io.github.ec2metadata.proxycache.emulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A node of the IMDS tree: a directory that lists its children, or a leaf document. */
sealed interface MetadataNode permits MetadataNode.Directory, MetadataNode.Leaf {

    /** The line this node contributes to its parent's listing. */
    String listingLine(String name);

    boolean present();

    /** Reads the body of a leaf; IMDS serves v1 and v2 callers different credentials. */
    @FunctionalInterface
    interface Content {
        byte[] read(boolean withToken);
    }

    /** A directory; IMDS lists its children sorted, sub-directories with a trailing slash. */
    final class Directory implements MetadataNode {
        private final Map<String, MetadataNode> children = new TreeMap<>();
        private final String label;

        Directory() {
            this(null);
        }

        /** A directory listed under a fixed label, as {@code 0=my-key} in public-keys/. */
        Directory(String label) {
            this.label = label;
        }

        Directory text(String name, String value) {
            return add(name, Leaf.text(() -> value));
        }

        Directory add(String name, MetadataNode child) {
            children.put(name, child);
            return this;
        }

        MetadataNode child(String name) {
            return children.get(name);
        }

        /** One line per present child, LF-separated, no LF after the last, as IMDS does. */
        String listing() {
            List<String> lines = new ArrayList<>();
            children.forEach((name, child) -> {
                if (child.present()) {
                    lines.add(child.listingLine(name));
                }
            });
            return String.join("\n", lines);
        }

        @Override
        public String listingLine(String name) {
            return label != null ? label : name + "/";
        }

        @Override
        public boolean present() {
            return true;
        }
    }

    /** A document; it may come and go, as spot notices do. */
    record Leaf(String contentType, BooleanSupplier presence, Content content)
            implements MetadataNode {

        static Leaf text(Supplier<String> value) {
            return new Leaf(ImdsAnswer.TEXT, () -> true, withToken -> utf8(value.get()));
        }

        static Leaf textWhen(BooleanSupplier presence, Supplier<String> value) {
            return new Leaf(ImdsAnswer.TEXT, presence, withToken -> utf8(value.get()));
        }

        static Leaf perCaller(Content content) {
            return new Leaf(ImdsAnswer.TEXT, () -> true, content);
        }

        @Override
        public String listingLine(String name) {
            return name;
        }

        @Override
        public boolean present() {
            return presence.getAsBoolean();
        }

        private static byte[] utf8(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }
}
