package io.tocsin;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The server. Started by {@code tocsin serve}; every time-based decision reads this clock (invariant 3).
 * Boot's generated in-memory user is excluded: the API authenticates with bearer tokens only.
 */
@SpringBootApplication(exclude = org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration.class)
@EnableScheduling
@org.springframework.boot.context.properties.ConfigurationPropertiesScan
public class TocsinApplication {
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
