package control;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** Stands for the endpoint. */
@Endpoint(id = "control")
public class ControlEndpoint {

    @ReadOperation
    public String read() {
        return "control";
    }
}
