package io.tocsin.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A set of configuration files as one text, for storage and diffs: each file starts with a marker
 * line naming it. The marker is a YAML comment, so the text of each file is kept byte for byte.
 */
public final class ConfigText {
    private static final String MARKER = "#@tocsin-file ";

    private ConfigText() {
    }

    public static String join(List<SourceFile> files) {
        StringBuilder sb = new StringBuilder();
        for (SourceFile f : files) {
            sb.append(MARKER).append(f.name()).append('\n');
            sb.append(f.text());
            if (!f.text().endsWith("\n")) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    public static List<SourceFile> split(String text) {
        List<SourceFile> out = new ArrayList<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(MARKER)) {
                if (name != null) {
                    out.add(new SourceFile(name, body.toString()));
                }
                name = line.substring(MARKER.length());
                body.setLength(0);
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            String last = body.toString();
            out.add(new SourceFile(name, last.endsWith("\n\n") ? last.substring(0, last.length() - 1) : last));
        }
        return out;
    }

    public static String checksum(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
