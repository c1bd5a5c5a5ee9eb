"""Kinds that record the year's work: visits to points. (Being written.)"""
