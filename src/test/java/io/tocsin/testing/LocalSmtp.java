package io.tocsin.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** A real SMTP server (GreenMail) on loopback; port 0 picks a free one. */
public final class LocalSmtp {
    private LocalSmtp() {
    }

    /** Points the Spring context's mail sender at this server. */
    public static void use(org.springframework.test.context.DynamicPropertyRegistry registry, GreenMail mail) {
        int port = mail.getSmtp().getPort();
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> port);
    }

    public static GreenMail start(int port) {
        GreenMail g = new GreenMail(port == 0 ? new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort()
                : new ServerSetup(port, "127.0.0.1", "smtp"));
        g.start();
        return g;
    }
}
