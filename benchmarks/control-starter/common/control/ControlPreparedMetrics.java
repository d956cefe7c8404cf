package control;

/** Stands for the prepared-children counter, a listener bound as a meter (absent unless prepared children are on). */
public final class ControlPreparedMetrics implements ControlListener {
}
