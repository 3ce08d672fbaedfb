"""督办单 (supervision notices): issued by the escalate action, signed for and answered by the department.

Import from the modules (``service``, ``issuing``, ``port``): this package imports nothing itself, so that
the inquiry service and the ports may use ``issuing`` and ``port`` without a cycle.
"""
