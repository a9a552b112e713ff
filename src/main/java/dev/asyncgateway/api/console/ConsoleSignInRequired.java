package dev.asyncgateway.api.console;

/** No live console session: the browser is sent to the sign-in page. */
public class ConsoleSignInRequired extends RuntimeException {

    public ConsoleSignInRequired() {
        super("sign in", null, false, false);
    }
}
