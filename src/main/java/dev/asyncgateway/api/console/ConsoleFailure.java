package dev.asyncgateway.api.console;

/** A console request that cannot be served; shown as an HTML page with the status, never as JSON. */
public class ConsoleFailure extends RuntimeException {

    private final int status;

    public ConsoleFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
