package control;

/** Stands for the launcher's listener type: the beans the launcher hears its starts through. */
public interface ControlListener {
}
