package io.tocsin.engine;

/**
 * How loudly an incident was opened. {@code CHAT}: its channels hear about it, nobody is paged (seed
 * 002's "error rate 1-5 %: Slack notification"); {@code RECORD}: kept on record only (a maintenance
 * window). A quiet incident starts paging when a person raises it to a paging severity, escalates it,
 * or an event trigger (a tag, the services affected) escalates it; until then no level and no timed
 * trigger runs.
 */
public enum Paging {
    PAGE, CHAT, RECORD;

    public boolean quiet() {
        return this != PAGE;
    }
}
