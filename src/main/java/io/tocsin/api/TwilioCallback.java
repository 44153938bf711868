package io.tocsin.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Twilio's callbacks say, read without the server around them: TwilioController and the fuzz
 * test (TwilioCallbackFuzzTest) run this same code. A field that cannot be kept is a
 * {@link BadRequestException} naming it.
 */
final class TwilioCallback {
    /** "12a", "12 A", "INC-12 r", "12 ack", "12 resolve". */
    private static final Pattern REPLY = Pattern.compile("^(?:inc-?)?\\s*(\\d{1,18})\\s*(a|ack|acknowledge|r|res|resolve)\\.?$",
            Pattern.CASE_INSENSITIVE);
    /** Twilio's statuses, error codes and SIDs are short words and numbers; the stored answer must fit its column. */
    static final int MAX_FIELD = 60;

    private TwilioCallback() {
    }

    /** An SMS reply: incident {@code incident} to acknowledge, or to resolve. */
    record Reply(long incident, boolean resolve) {
    }

    /** A delivery status for the message or call {@code sid}; {@code errorCode} is "" when there is none. */
    record Status(String sid, String status, String errorCode) {
    }

    /**
     * The POST body's parameters alone. The servlet API mixes query parameters in (first, per the
     * spec), but Twilio signs those as part of the URL, so they are taken out again: the query is
     * read as the request read it (FormFields), so a pair it skipped is not taken out twice.
     */
    static Map<String, List<String>> bodyParams(String query, Map<String, String[]> all) {
        Map<String, List<String>> inQuery = FormFields.parse(query, StandardCharsets.UTF_8);
        Map<String, List<String>> out = new LinkedHashMap<>();
        all.forEach((name, values) -> {
            int fromQuery = inQuery.getOrDefault(name, List.of()).size();
            List<String> body = new ArrayList<>(Arrays.asList(values).subList(Math.min(fromQuery, values.length), values.length));
            if (!body.isEmpty()) {
                out.put(name, body);
            }
        });
        return out;
    }

    /** The reply an SMS body asks for, or empty when it is not one (the sender then gets the help text). */
    static Optional<Reply> reply(String body) {
        Matcher m = REPLY.matcher(body.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Reply(Long.parseLong(m.group(1)), Character.toLowerCase(m.group(2).charAt(0)) == 'r'));
    }

    /** A status callback: a call's when it names a CallSid and no MessageSid, else a message's. */
    static Status status(Map<String, List<String>> params) {
        boolean call = params.containsKey("CallSid") && !params.containsKey("MessageSid");
        String sidField = call ? "CallSid" : "MessageSid";
        String statusField = call ? "CallStatus" : "MessageStatus";
        Status status = new Status(first(params, sidField), first(params, statusField), first(params, "ErrorCode"));
        tooLong(statusField, status.status());
        tooLong("ErrorCode", status.errorCode());
        tooLong(sidField, status.sid());
        return status;
    }

    private static void tooLong(String field, String value) {
        if (value.length() > MAX_FIELD) {
            throw new BadRequestException(field, "longer than " + MAX_FIELD + " characters");
        }
    }

    /** The first value of {@code name}, "" when there is none. */
    static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }
}
