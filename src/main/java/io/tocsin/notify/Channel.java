package io.tocsin.notify;

/** One way of reaching a person (e-mail, webhook, push...). Implementations never throw: every failure is a result. */
interface Channel {
    /** The contact-method type it serves: email, webhook, push, sms, voice, slack, teams. */
    String type();

    SendResult send(Message message);
}
