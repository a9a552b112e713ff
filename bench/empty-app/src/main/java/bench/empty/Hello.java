package bench.empty;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** The one endpoint: P8 times process start to its first 200. */
@Path("/hello")
public class Hello {

    @GET
    public String hello() {
        return "hello";
    }
}
