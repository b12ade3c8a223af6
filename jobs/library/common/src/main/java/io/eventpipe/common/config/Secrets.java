package io.eventpipe.common.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Recognises configuration keys that hold secrets, so that nothing prints their values. */
public final class Secrets {
    public static final String MASK = "******";

    private Secrets() {}

    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("token")
                || k.contains("credential")
                || k.endsWith(".key")
                || k.contains("private");
    }

    /** A copy of the map safe to log: secret values replaced by {@link #MASK}. */
    public static Map<String, String> masked(Map<String, String> map) {
        Map<String, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, isSecretKey(k) ? MASK : v));
        return out;
    }
}
