package io.tocsin.config;

import java.util.Collection;
import java.util.Optional;

/** Suggests the closest known id for a misspelt reference (Levenshtein distance). */
public final class DidYouMean {
    private DidYouMean() {
    }

    /** " (did you mean "x"?)" after a wrong reference, or nothing when no known id is close. */
    public static String suggestion(String wrong, Collection<String> known) {
        return closest(wrong, known).map(s -> " (did you mean \"" + s + "\"?)").orElse("");
    }

    public static Optional<String> closest(String wrong, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            if (candidate == null) {
                // an entry without its id, already reported where it is (found by ConfigFuzzTest: a 500)
                continue;
            }
            int d = distance(wrong.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int allowed = Math.max(2, wrong.length() / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
