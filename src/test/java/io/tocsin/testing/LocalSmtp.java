package io.tocsin.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/** A real SMTP server (GreenMail) on loopback; port 0 picks a free one. */
public final class LocalSmtp {
    private LocalSmtp() {
    }

    public static GreenMail start(int port) {
        GreenMail g = new GreenMail(port == 0 ? new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort()
                : new ServerSetup(port, "127.0.0.1", "smtp"));
        g.start();
        return g;
    }
}
