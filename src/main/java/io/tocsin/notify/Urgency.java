package io.tocsin.notify;

import io.tocsin.config.Organisation;

/** A page is high urgency when its severity pages (seed 001's P1/P2), which picks the person's rule list. */
final class Urgency {
    private Urgency() {
    }

    static boolean high(Organisation org, String severity) {
        return org.config().severities().stream().filter(s -> s.id().equals(severity)).findFirst()
                .map(s -> "page".equals(s.response())).orElse(true);
    }
}
