package control;

/** Stands for the operations bean. */
public class ControlOperations {
}
