/* A shared object that is not a SIPWarden plugin: it exports neither entry point. */
int stranger_answer(void) { return 42; }
