package control;

/** Stands for the observation convention an application may declare as a bean (none here). */
public interface ControlConvention {
}
