package io.tocsin.migration;

import java.text.Normalizer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Tocsin ids for one kind of thing made from the source's names: lower-case, {@code [a-z0-9_.-]},
 * at most 100 characters, unique (a second "Backend" becomes {@code backend-2}). The same source id
 * always gets the same Tocsin id, so references resolve.
 */
final class Ids {
    private static final int MAX = 100;
    private final Map<String, String> bySource = new HashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final String fallback;

    Ids(String fallback) {
        this.fallback = fallback;
    }

    /** The id given to {@code sourceId}, making one from {@code name} the first time. */
    String of(String sourceId, String name) {
        return bySource.computeIfAbsent(sourceId, k -> unique(slug(name)));
    }

    /** The id already given to {@code sourceId}; null when it was never imported. */
    String known(String sourceId) {
        return bySource.get(sourceId);
    }

    private String unique(String base) {
        String id = base.isEmpty() ? fallback : base;
        String candidate = id;
        for (int n = 2; !taken.add(candidate); n++) {
            String suffix = "-" + n;
            candidate = id.substring(0, Math.min(id.length(), MAX - suffix.length())) + suffix;
        }
        return candidate;
    }

    static String slug(String text) {
        String plain = Normalizer.normalize(text == null ? "" : text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        String s = plain.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "-").replaceAll("-{2,}", "-")
                .replaceAll("^[^a-z0-9]+", "").replaceAll("[-_.]+$", "");
        return s.length() > MAX ? s.substring(0, MAX).replaceAll("[-_.]+$", "") : s;
    }
}
