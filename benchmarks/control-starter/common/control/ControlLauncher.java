package control;

/** Stands for the launcher bean. */
public class ControlLauncher {

    final ControlOperations operations;

    public ControlLauncher(ControlOperations operations) {
        this.operations = operations;
    }
}
