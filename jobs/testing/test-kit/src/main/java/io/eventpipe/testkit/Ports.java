package io.eventpipe.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free local ports for the servers tests start. */
public final class Ports {
    private Ports() {}

    /**
     * {@code n} distinct free ports: all are held open at once before any is given back, so that two asked for
     * together are never the same (asked one by one, the system may hand out a just-closed port again).
     */
    public static int[] free(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
