package app;

import java.util.List;
import java.util.ArrayList;

/** A greeter. */
public class Greeter extends Base implements Runnable {
    private final List<String> names = new ArrayList<>();

    public Greeter(String first) {
        names.add(first);
    }

    public void run() {
        for (String n : names) {
            if (n.isEmpty() || n.length() > 3) {
                System.out.println(n);
            }
        }
        helper();
    }
}
