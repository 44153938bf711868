package io.tocsin.store;

/**
 * The one rule for text Tocsin stores, on H2 and PostgreSQL alike: PostgreSQL cannot hold the NUL
 * character (U+0000) in text at all ({@code invalid byte sequence for encoding "UTF8": 0x00}) and
 * turns half of a surrogate pair into '?', while H2 keeps both. So every string written to the
 * database has each NUL and each unpaired surrogate replaced by U+FFFD, the Unicode replacement
 * character, and is otherwise stored as received. An alert whose summary carries a NUL therefore
 * opens (a 5xx would make its sender retry it forever) and reads the same on both databases.
 * {@link TextSafeDataSource} applies it to every statement parameter, so no caller can forget it.
 */
public final class StoredText {
    public static final char REPLACEMENT = '\uFFFD';

    private StoredText() {
    }

    /** {@code text} as it is stored: NUL and unpaired surrogates replaced by U+FFFD; null stays null. */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnstorable(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pairAt(text, i)) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == 0 || Character.isSurrogate(c) ? REPLACEMENT : c);
            }
        }
        return out.toString();
    }

    /** The index of the first character the rule replaces, or -1 when the text is stored unchanged. */
    static int firstUnstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pairAt(text, i)) {
                i++;
            } else if (c == 0 || Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean pairAt(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
