package io.tocsin;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The server. Started by {@code tocsin serve}; every time-based decision reads this clock (invariant 3). */
@SpringBootApplication
@EnableScheduling
public class TocsinApplication {
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
