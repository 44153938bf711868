package io.tocsin.notify;

import io.tocsin.store.NotificationStore;
import io.tocsin.store.NotificationStore.ChatThread;
import java.util.Optional;

/** Where an incident's chat posts thread: the first post of the incident at each address. */
interface ChatThreads {
    Optional<ChatThread> find(long incidentId, String address);

    void remember(long incidentId, String address, ChatThread first);

    /** Kept in the database, so every node threads under the same first post and a restart keeps it. */
    static ChatThreads in(NotificationStore store) {
        return new ChatThreads() {
            @java.lang.Override
            public Optional<ChatThread> find(long incidentId, String address) {
                return store.chatThread(incidentId, address);
            }

            @java.lang.Override
            public void remember(long incidentId, String address, ChatThread first) {
                store.rememberChatThread(incidentId, address, first);
            }
        };
    }
}
