package io.tocsin.api;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Cursor pagination shared by every list endpoint: newest first, {@code limit} (1 to 1000) items a
 * page, and when there are more a {@code Link: <...&cursor=...>; rel="next"} header (RFC 8288) with
 * the same filters. The body stays a JSON array, so a client that reads one page keeps working. A
 * cursor is opaque to clients (it is the last item's id, encoded), and a page read with it is stable
 * while new items arrive: they are newer than every cursor.
 */
final class Paging {
    static final int MAX = 1000;

    private Paging() {
    }

    /** What a client asked of a list: a page size, and the id its page starts below (null: the newest). */
    record Asked(int size, Long before) {
        /** Read one more than the page holds, so whether there is a next page is known without a count. */
        int readAhead() {
            return size + 1;
        }
    }

    /** Reads {@code limit} and {@code cursor} of a list that has no other parameters to check; 400 when either is wrong. */
    static Asked asked(int limit, String cursor) {
        FieldErrors errors = new FieldErrors();
        Asked asked = new Asked(limit(errors, limit), after(errors, cursor));
        errors.throwIfAny();
        return asked;
    }

    /** The page size, or "limit" recorded as wrong. */
    static int limit(FieldErrors errors, int limit) {
        if (limit < 1 || limit > MAX) {
            errors.add("limit", "must be between 1 and " + MAX);
            return 1;
        }
        return limit;
    }

    /** The id a cursor stands for (items older than it are the next page), or "cursor" recorded as wrong. */
    static Long after(FieldErrors errors, String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
            if (text.startsWith("before:")) {
                long id = Long.parseLong(text.substring(7));
                if (id > 0) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the same answer
        }
        errors.add("cursor", "not a cursor this server gave out; use the Link header of the previous page");
        return null;
    }

    static String cursor(long beforeId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("before:" + beforeId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Answers one page of {@code rows}, which were read with one more than {@code limit} so that
     * whether there is a next page is known without a count.
     */
    static <T> ResponseEntity<List<T>> page(List<T> rows, int limit, ToLongFunction<T> id, HttpServletRequest request) {
        return page(rows, limit, id, row -> true, request);
    }

    /**
     * The same, where {@code keep} has the last word on each row the database selected (a text search
     * on what is shown, not on what is stored): the next page starts after the last row read, kept or
     * not, so a page may hold fewer than {@code limit} items while a Link still says there are more.
     */
    static <T> ResponseEntity<List<T>> page(List<T> rows, int limit, ToLongFunction<T> id, java.util.function.Predicate<T> keep,
                                            HttpServletRequest request) {
        List<T> read = rows.size() <= limit ? rows : rows.subList(0, limit);
        List<T> page = read.stream().filter(keep).toList();
        if (rows.size() <= limit) {
            return ResponseEntity.ok(page);
        }
        String next = UriComponentsBuilder.fromPath(request.getRequestURI()).query(request.getQueryString())
                .replaceQueryParam("cursor", cursor(id.applyAsLong(read.get(limit - 1)))).build().toUriString();
        return ResponseEntity.ok().header("Link", "<" + next + ">; rel=\"next\"").body(page);
    }
}
