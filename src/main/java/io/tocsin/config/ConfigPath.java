package io.tocsin.config;

import java.util.ArrayList;
import java.util.List;

/** A position in the configuration tree, printed the way people read it: {@code schedules[2].layers[0].shift}. */
public record ConfigPath(List<Object> elements) {
    public static final ConfigPath ROOT = new ConfigPath(List.of());

    public ConfigPath {
        elements = List.copyOf(elements);
    }

    public ConfigPath key(String key) {
        List<Object> next = new ArrayList<>(elements);
        next.add(key);
        return new ConfigPath(next);
    }

    public ConfigPath index(int index) {
        List<Object> next = new ArrayList<>(elements);
        next.add(index);
        return new ConfigPath(next);
    }

    public ConfigPath parent() {
        return elements.isEmpty() ? this : new ConfigPath(elements.subList(0, elements.size() - 1));
    }

    public boolean isRoot() {
        return elements.isEmpty();
    }

    /** JSON Pointer (RFC 6901), used as the key of position tables. */
    public String pointer() {
        StringBuilder sb = new StringBuilder();
        for (Object e : elements) {
            sb.append('/').append(e.toString().replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    @java.lang.Override
    public String toString() {
        if (elements.isEmpty()) {
            return "(root)";
        }
        StringBuilder sb = new StringBuilder();
        for (Object e : elements) {
            if (e instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(e);
            }
        }
        return sb.toString();
    }
}
