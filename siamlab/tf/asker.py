"""The TensorFlow asker's code (seed 1, Russian forum, April 2020): the Siamese net that does not train.

The model, ``simnet_loss``, ``accuracy`` and ``train_step`` are the asker's code, kept line for
line; changes forced by Keras 3 / TF 2.21 are marked ``# KERAS 3:``. The parts the question did
not show (``test_step``, building every pair, the epoch loop as a function) are marked
``# RECONSTRUCTED:``. Only the asker's broken code lives here; the fixes are in ``models.py``,
``losses.py`` and ``train.py``. Roles named alike in ``siamlab.torch.asker``: the model
(``Encoder`` here), ``make_pairs`` (the asker's data) and ``train_loop`` (the asker's loop).
"""
from __future__ import annotations

import sys

import numpy as np
import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import Conv2D, Dense, Flatten, MaxPooling2D


class Encoder(Model):
    """
    A network that finds a 50-dimensional representation of the input images
    so that the distances between them minimize the constructive loss
    """

    def __init__(self):
        super(Encoder, self).__init__(name='encoder')

        # KERAS 3: input_shape=(28, 28, 1) removed: a layer inside a subclassed Model ignores it
        # and Keras 3 warns "Do not pass an `input_shape`/`input_dim` argument to a layer".
        self.cv = Conv2D(32, (3, 3), activation='relu', padding='Same',
                         kernel_regularizer=tf.keras.regularizers.l2(0.01))
        self.pool = MaxPooling2D((2, 2))
        self.flatten = Flatten()
        self.dense = Dense(50, activation=None,
                           kernel_regularizer=tf.keras.regularizers.l2(0.01))

    def call(self, inputs, training=None, mask=None):
        """ Forward pass for one image """
        x = self.cv(inputs)
        x = self.pool(x)
        x = self.flatten(x)
        x = self.dense(x)
        return x

    @staticmethod
    def distance(difference):
        """ The D function from the paper which is used in loss """
        distance = tf.sqrt(tf.reduce_sum(tf.pow(difference, 2), 0))
        return distance


def simnet_loss(target, x1, x2):
    difference = x1 - x2
    distance_vector = tf.map_fn(lambda x: Encoder.distance(x), difference)
    loss = tf.map_fn(lambda distance: target * tf.square(distance) +
                                      (1.0 - target) * tf.square(tf.maximum(0.0, 1.0 - distance)), distance_vector)
    average_loss = tf.reduce_mean(loss)
    return average_loss


def accuracy(y_true, y_pred):
    distance_vector = tf.map_fn(lambda x: Encoder.distance(x), y_pred)
    accuracy = tf.keras.metrics.binary_accuracy(y_true, distance_vector)
    return accuracy


def make_train_step(model, optimizer):
    """RECONSTRUCTED: the asker's ``train_step`` used globals ``model`` and ``optimizer``;
    this closure binds them so several runs can live in one notebook. The body is unchanged."""

    def train_step(images, labels):
        with tf.GradientTape() as tape:
            x1, x2 = images[:, 0, :, :, :], images[:, 1, :, :, :]
            x1 = model(x1)
            x2 = model(x2)
            loss = simnet_loss(labels, x1, x2)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

        return loss

    return train_step


def make_test_step(model):
    """RECONSTRUCTED: ``test_step`` was not shown; the natural reading of ``accuracy(y_true,
    y_pred)`` (it takes distances of ``y_pred`` rows) is that ``y_pred`` = x1 - x2 embeddings."""

    def test_step(images, labels):
        x1, x2 = model(images[:, 0]), model(images[:, 1])
        return tf.reduce_mean(accuracy(tf.convert_to_tensor(labels, tf.float32), x1 - x2))

    return test_step


def make_pairs(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RECONSTRUCTED: "a dataset containing every pair of images", as the asker described it.

    Returns x (P, 2, 28, 28, 1) float32 in [0, 1] and y (P,) float32, 1.0 = same digit, for all
    ordered pairs i != j (N(N-1) pairs), row by row, like two nested loops would build them.
    """
    images = np.asarray(images, dtype=np.float32)[..., None] / 255.0
    n = len(images)
    left, right = np.nonzero(~np.eye(n, dtype=bool))
    x = np.stack([images[left], images[right]], axis=1)
    y = (np.asarray(labels)[left] == np.asarray(labels)[right]).astype(np.float32)
    return x, y


def train_loop(model, optimizer, x_train, y_train, x_test, y_test, n_epoch, batch_size, on_epoch=None):
    """RECONSTRUCTED: the asker's epoch loop wrapped in a function. The loop body is the asker's
    (it prints 0-based epochs); ``on_epoch(epoch, loss, acc, val_acc)`` is our addition, called
    with 1-based epochs like every siamlab History, so a notebook can plot the run."""
    train_step, test_step = make_train_step(model, optimizer), make_test_step(model)
    for epoch in range(n_epoch):
        epoch_loss = 0
        n_batches = int(x_train.shape[0]/batch_size)
        for indices in np.array_split(np.arange(x_train.shape[0]), indices_or_sections=n_batches):
            x = np.take(x_train, indices, axis=0)
            y = np.take(y_train, indices, axis=0)
            epoch_loss += train_step(x, y)

        epoch_loss = epoch_loss / n_batches
        accuracy = test_step(x_train, y_train)
        val_accuracy = test_step(x_test, y_test)
        tf.print("epoch:", epoch, "loss:", epoch_loss, "accuracy:", accuracy,
                 "val_accuracy:", val_accuracy, output_stream=sys.stdout)
        if on_epoch is not None:
            on_epoch(epoch + 1, float(epoch_loss), float(accuracy), float(val_accuracy))
    return model
