"""The SEN2 person-level return: code lists, streaming parser, validation, minimisation, import and generator.

Pipeline (see ``importer.import_sen2``): stream the XML (``parser``) → check each person (``validate``, or for a
person with no problem the fast path in ``rows``) → minimise personal data (``minimise``, ``rows``) → store in
one transaction (``writer``). ``pipeline`` runs all but the storing, in a forked parser process for big files.
``rules`` is the one table of validation rules both ways of checking a person use; ``spec`` the elements and
their spellings; ``codes`` the code lists per year. ``pending`` keeps an uploaded file while an administrator
confirms a return far smaller than the current one. ``parser``, ``rules``, ``validate``, ``minimise``, ``rows``,
``pipeline``, ``codes`` and ``generate`` import nothing from Django.
"""
