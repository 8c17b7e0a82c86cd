"""
Command line
============

The ``ovm`` command (``main``) and its subcommands, one module each: ``node``,
``devnet``, ``deposit``/``withdraw``/``finalize`` (``bridge``), ``statetest``
and ``blocktest``. The composition root: the only package that wires the
rollup into a node.
"""
