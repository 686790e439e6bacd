"""The blow-up engine's rules, one module per family (mixed into :class:`~rlct.resolution.blowup.engine.Engine`)."""
