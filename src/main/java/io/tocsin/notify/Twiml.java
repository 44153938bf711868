package io.tocsin.notify;

/** TwiML, the XML Twilio reads as instructions, built from text that may hold anything a summary holds. */
public final class Twiml {
    private Twiml() {
    }

    public static String message(String text) {
        return "<Response><Message>" + escape(text) + "</Message></Response>";
    }

    public static String say(String text) {
        return "<Response><Say>" + escape(text) + "</Say></Response>";
    }

    /** Reads {@code prompt} and waits for one key, posted to {@code action}; silence ends the call. */
    public static String gather(String prompt, String action) {
        return "<Response><Gather numDigits=\"1\" action=\"" + escape(action) + "\" method=\"POST\"><Say>" + escape(prompt)
                + "</Say></Gather><Say>No input. Goodbye.</Say></Response>";
    }

    /** XML, not HTML: HTML escapers emit named entities such as &amp;eacute; that XML parsers reject. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    // Control characters other than tab and newlines are not allowed in XML 1.0 at all.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
