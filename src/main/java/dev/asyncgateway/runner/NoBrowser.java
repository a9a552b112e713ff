package dev.asyncgateway.runner;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The gateway without a browser renderer: pages are fetched as they are served. */
@DefaultBean
@ApplicationScoped
public class NoBrowser implements BrowserAvailability {

    @Override
    public boolean configured() {
        return false;
    }
}
